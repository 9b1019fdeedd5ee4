/**
 * Imported for its side effect by every module that validates with `zod/mini`: mini ships without
 * messages ("Invalid input"), so this installs zod's English locale — the same messages full `zod`
 * gives (e.g. `Too small: expected number to be >=0`). Full zod installs it on import too, so the
 * global setting is the same whichever of the two a process loads. ~3 KiB, unlike full zod's ~440.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
