export * from './game-events';
