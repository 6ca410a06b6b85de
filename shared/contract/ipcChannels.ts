/** The only two IPC channels between the preload and main: calls in, topic events out. */
export const IPC_CALL = 'desk:call';
export const IPC_EVENT = 'desk:event';
