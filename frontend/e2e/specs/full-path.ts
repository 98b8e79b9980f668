export function fullPathSpecs(_getHarness: () => unknown) {}
