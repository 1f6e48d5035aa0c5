// Shared Jest configuration.
//
// Why @swc/jest and not ts-jest: NestJS 12 packages are ESM-only. Node 20.19+ can
// require() them at run time, but Jest 30 has its own module loader that cannot, so
// every @nestjs/* and @nats-io/* file must be transformed too. swc does that fast and
// keeps the legacy decorators + metadata that Nest's dependency injection needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** One Jest project per test tier; the tier lives in the file name. */
function tier(name, extra = {}) {
  return {
    displayName: name,
    testEnvironment: 'node',
    rootDir: process.cwd(),
    roots: ['<rootDir>/src'],
    testMatch: [`**/*.${name}.spec.ts`],
    transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
    // ESM-only dependencies that tests load must be listed here to be transformed.
    transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@nats-io|commander)/)'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
    ...extra,
  };
}

module.exports = {
  unit: tier('unit'),
  // Integration and e2e tests talk to real brokers: give them time to connect,
  // but every wait inside a test is a bounded poll, never a bare sleep.
  int: tier('int', { setupFilesAfterEnv: [require.resolve('./int-timeout.js')] }),
  e2e: tier('e2e', { setupFilesAfterEnv: [require.resolve('./e2e-timeout.js')] }),
  // Fault drills (tests/drills): one shared system under load, drills in sequence; each
  // drill waits out a broker outage or a restart, so a test may take minutes.
  drill: tier('drill', { setupFilesAfterEnv: [require.resolve('./drill-timeout.js')] }),
};
