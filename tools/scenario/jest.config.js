const { unit, int, e2e, drill } = require('@switchyard/jest-config');

module.exports = { projects: [unit, int, e2e, drill] };
