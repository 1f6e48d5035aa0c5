const { drill } = require('@switchyard/jest-config');

module.exports = { projects: [drill] };
