// Runs test files in reverse path order: `npx jest --testSequencer @switchyard/jest-config/reverse-sequencer`.
//
// Jest's default order (slowest and failed files first, then by size) hides a file that
// only passes after another one ran. No file of this repository may depend on another
// (each works in its own namespace), and this order is the cheap way to show it; within a
// file, `--randomize --seed <n>` shuffles the tests.
const Sequencer = require('@jest/test-sequencer').default;

class ReverseSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => (a.path < b.path ? 1 : a.path > b.path ? -1 : 0));
  }
}

module.exports = ReverseSequencer;
