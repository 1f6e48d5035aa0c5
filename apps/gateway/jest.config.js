const { unit, int, e2e } = require('@switchyard/jest-config');

// The whole gateway module (its OpenAPI tests build it) also loads these ESM-only packages.
const esm = {
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@nats-io|commander|content-disposition)/)'],
};

module.exports = { projects: [{ ...unit, ...esm }, { ...int, ...esm }, e2e] };
