/** The CLI's version (package.json's, checked by a test): its own module so help loads no command. */
export const VERSION = '0.1.0';
