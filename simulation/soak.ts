import { closeSimDatabase } from './simDatabase.ts';
import { soak } from './soakCli.ts';

try {
  process.exitCode = await soak(process.argv.slice(2));
} finally {
  await closeSimDatabase();
}
