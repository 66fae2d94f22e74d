/**
 * Guest players' ids, issued and signed by the engine: `<player id>.<signature>`, where the player id
 * is `guest:` + 16 random bytes (base64url) and the signature an HMAC-SHA256 of it under the engine's
 * key (Secrets Manager in AWS, a local key under `npm start`). The browser keeps the token for the
 * next visit; a token whose signature does not verify (forged, tampered, or signed with another key)
 * is refused. Every task of a stage shares the key, so a token works whichever task a player reaches.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Shortest key accepted: 32 bytes, the HMAC-SHA256 block of security NIST SP 800-107 asks for. */
export const MIN_SIGNING_KEY_BYTES = 32;

const GUEST_PREFIX = 'guest:';
const TOKEN = /^(guest:[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface PlayerIdentity {
  /** A new guest: its player id and the token the browser keeps. */
  issue(): { playerId: string; token: string };
  /** The player id a token was issued for, or `undefined` when its signature does not verify. */
  verify(token: string): string | undefined;
}

export const createPlayerIdentity = (
  key: string,
  newId: () => Buffer = () => randomBytes(16),
): PlayerIdentity => {
  if (Buffer.byteLength(key) < MIN_SIGNING_KEY_BYTES)
    throw new Error(
      `the player id signing key has ${Buffer.byteLength(key)} bytes; expected at least ${MIN_SIGNING_KEY_BYTES}`,
    );
  const sign = (playerId: string) => createHmac('sha256', key).update(playerId).digest('base64url');
  return {
    issue: () => {
      const playerId = `${GUEST_PREFIX}${newId().toString('base64url')}`;
      return { playerId, token: `${playerId}.${sign(playerId)}` };
    },
    verify: (token) => {
      const parts = TOKEN.exec(token);
      if (!parts) return undefined;
      const [, playerId = '', signature = ''] = parts;
      const expected = Buffer.from(sign(playerId));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected) ? playerId : undefined;
    },
  };
};
