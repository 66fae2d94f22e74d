// The framework loads plugins with require(); this shim hands it the TypeScript implementation.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./plugin', __filename).PlatformPlugin;
