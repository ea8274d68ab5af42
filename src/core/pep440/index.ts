// PEP 440 versions, specifiers, version sets and Poetry constraint translation.
export * from './version';
export * from './specifier';
export * from './intervals';
