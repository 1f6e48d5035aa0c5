const { unit, int, e2e } = require('@switchyard/jest-config');

module.exports = { projects: [unit, int, e2e] };
