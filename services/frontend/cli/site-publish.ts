/** `npm run site:publish -- --stage <stage> [--dry-run]`: see `release/command-line.ts`. */
import { publishFromCommandLine } from './release/command-line';

process.exitCode = await publishFromCommandLine(process.argv.slice(2));
