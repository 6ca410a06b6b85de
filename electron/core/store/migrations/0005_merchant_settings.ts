/**
 * The merchant's settings as the server last gave them (issue 14: the time zone its days,
 * exports and statements run on), kept so the desk groups days the same way offline.
 */
export const sql = `
CREATE TABLE merchant_settings (
  merchant_id TEXT    PRIMARY KEY,
  time_zone   TEXT    NOT NULL,
  fetched_at  INTEGER NOT NULL
);
`;
