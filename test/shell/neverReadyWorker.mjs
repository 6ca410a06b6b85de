// A core worker that loads and never says it is ready (a restart that takes a while).
setInterval(() => {}, 60_000);
