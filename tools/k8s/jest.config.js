const { unit } = require('@switchyard/jest-config');

module.exports = {
  projects: [
    {
      ...unit,
      resolver: require.resolve('./jest-resolver.js'),
      transformIgnorePatterns: [
        '/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)',
      ],
    },
  ],
};
