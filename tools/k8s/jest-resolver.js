// kubernetes-models and its @kubernetes-models/* dependencies are ESM-only and export only
// an `import` condition, which Jest's CommonJS resolver does not ask for. Resolve those
// packages (and only those) with it; jest.config.js has swc transform their files, and
// those of the ESM-only packages they use (is-cidr, cidr-regex).
module.exports = (request, options) =>
  options.defaultResolver(request, {
    ...options,
    conditions: /^(kubernetes-models|@kubernetes-models)(\/|$)/.test(request)
      ? ['import', 'default']
      : options.conditions,
  });
