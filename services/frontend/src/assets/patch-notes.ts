/** What changed in the game, newest first. Shipped with the site: no API call needed to show it. */
export const PATCH_NOTES: ReadonlyArray<{ version: string; summary: string }> = [
  { version: '0.3.0', summary: 'Cloud leaderboard and daily forge challenges.' },
  { version: '0.2.0', summary: 'Crystal combos and a faster arena.' },
  { version: '0.1.0', summary: 'First playable build.' },
];
