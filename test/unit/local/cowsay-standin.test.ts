import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { IMAGES_DIR } from '../../../src/local/kubelet/images.ts';

/** Runs the cowsay stand-in (argoproj/argosay:v1's `cowsay`) as the kubelet does: `sh cowsay.sh …`. */
function cowsay(args: string[], stdin?: string): string {
  const run = spawnSync('sh', [join(IMAGES_DIR, 'cowsay.sh'), ...args], { input: stdin ?? '', encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const COW = [
  '        \\   ^__^',
  '         \\  (oo)\\_______',
  '            (__)\\       )\\/\\',
  '                ||----w |',
  '                ||     ||',
  '',
].join('\n');

// Expected texts are what Ubuntu's cowsay (Perl, Text::Wrap fill at 40 columns) prints for the same
// input: a one-line balloon uses `< >`, longer ones `/ \`, `| |`, `\ /`, and the top and bottom rules
// end with a blank.
describe('cowsay stand-in', () => {
  test('one line: angle brackets, rules as wide as the text plus two', () => {
    assert.equal(cowsay(['hello', 'world']), ' _____________ \n< hello world >\n ------------- \n' + COW);
  });
  test('a long message wraps at 39 characters with slash, bar and backslash borders', () => {
    const out = cowsay([
      'The quick brown fox jumps over the lazy dog and keeps running far away, much farther than anyone expected it to go',
    ]);
    const want = [
      ' _________________________________________ ',
      '/ The quick brown fox jumps over the lazy \\',
      '| dog and keeps running far away, much    |',
      '\\ farther than anyone expected it to go   /',
      ' ----------------------------------------- ',
    ].join('\n');
    assert.equal(out, `${want}\n${COW}`);
  });
  test('a word longer than a line is cut; blank runs become one space', () => {
    const out = cowsay(['Supercalifragilisticexpialidociousandevenlongerthanthatwordis', '  ok']);
    assert.match(out, /^\/ Supercalifragilisticexpialidociousandev \\\n\\ enlongerthanthatwordis ok {15}\/\n/m);
  });
  test('stdin: paragraphs stay apart with an empty line, -n keeps lines as they are', () => {
    assert.match(cowsay([], 'a\n\n b c\n'), /\/ a {3}\\\n\| {5}\|\n\\ b c \/\n/);
    assert.match(cowsay(['-n'], 'x\ty\n  z\n'), /\/ x {7}y \\\n\\ {3}z {7}\/\n/);
  });
  test('modes change the eyes and tongue; an unknown cow file fails as cowsay does', () => {
    assert.match(cowsay(['-d', 'hi']), /\(xx\)\\_______\n.*\n {13}U  \|\|----w \|/);
    const bad = spawnSync('sh', [join(IMAGES_DIR, 'cowsay.sh'), '-f', 'dragon', 'hi'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Could not find dragon cowfile/);
  });
});
