// The part of @michaelhomer/jqjs (an untyped ES module) the local executor stand-in uses.
declare module '@michaelhomer/jqjs' {
  const jq: { compile(filter: string): (input: unknown) => Iterable<unknown> };
  export default jq;
}
