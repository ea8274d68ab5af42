// PEP 440 versions, specifiers and version sets.
export * from './version';
export * from './specifier';
