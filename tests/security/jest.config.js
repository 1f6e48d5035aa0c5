const { int } = require('@switchyard/jest-config');

module.exports = { projects: [int] };
