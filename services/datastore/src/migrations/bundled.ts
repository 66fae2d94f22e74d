/**
 * The migrations as the `migrate` Lambda carries them: each file imported as text (esbuild's
 * `text` loader for `.sql`, see `custom.esbuild` in serverless.ts), so the SQL is inside the bundle
 * and nothing is looked up on disk at run time.
 *
 * Adding a migration: add its import and its entry below. `tests/bundled-migrations.test.ts`
 * fails, naming the file, when this list and `migrations/` differ.
 */
import gameSchema from '../../migrations/0001_game_schema.sql';
import applicationRoles from '../../migrations/0002_application_roles.sql';
import requestKeys from '../../migrations/0003_request_keys.sql';
import eventRetention from '../../migrations/0004_event_retention.sql';
import leaderboardChangedSignal from '../../migrations/0005_leaderboard_changed_signal.sql';
import { type MigrationFile, parseMigrations } from './runner';

export const BUNDLED_MIGRATIONS: MigrationFile[] = parseMigrations([
  { name: '0001_game_schema.sql', sql: gameSchema },
  { name: '0002_application_roles.sql', sql: applicationRoles },
  { name: '0003_request_keys.sql', sql: requestKeys },
  { name: '0004_event_retention.sql', sql: eventRetention },
  { name: '0005_leaderboard_changed_signal.sql', sql: leaderboardChangedSignal },
]);
