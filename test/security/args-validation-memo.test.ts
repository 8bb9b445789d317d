import 'reflect-metadata';
import { Max, MaxLength, Min } from 'class-validator';
import { validateArgs } from '../../src/schema/common/args-validation';

/** validateArgs remembers argument sets that passed (per class); a refusal is never remembered. */
class PageArgs {
  @Min(1)
  @Max(100)
  first!: number;

  @MaxLength(5)
  after?: string;
}

const args = (first: number, after?: string): PageArgs => Object.assign(new PageArgs(), { first, after });

it('refuses a value over its rule however often a valid one passed before', () => {
  for (let i = 0; i < 3; i++) expect(() => validateArgs(args(20))).not.toThrow();
  for (let i = 0; i < 2; i++) expect(() => validateArgs(args(101))).toThrow('Argument "first" must not be greater than 100.');
  expect(() => validateArgs(args(20, 'abcdef'))).toThrow('Argument "after" must be shorter than or equal to 5 characters.');
  expect(() => validateArgs(args(20, 'abc'))).not.toThrow();
});

it('checks every item of a list on its own', () => {
  expect(() => validateArgs([args(20), args(0)])).toThrow('Argument "first" must not be less than 1.');
  expect(() => validateArgs([args(20), args(30)])).not.toThrow();
});

it('keeps checking once a class has seen more argument sets than it remembers', () => {
  for (let n = 1; n <= 100; n++) for (const after of ['a', 'b', 'c']) expect(() => validateArgs(args(n, after))).not.toThrow();
  expect(() => validateArgs(args(100, 'xxxxxx'))).toThrow('Argument "after"');
  expect(() => validateArgs(args(1, 'a'))).not.toThrow();
});
