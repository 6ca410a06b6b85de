import { closeSimDatabase } from './simDatabase.ts';
import { main } from './simulateCli.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  await closeSimDatabase();
}
