// Every migration, in order. The app, the CLI and the tests all run this list (no globbing, so the
// same list works from ts-node, jest and the compiled dist/).
import { Foundation1764400000000 } from './1764400000000-Foundation';
import { Ledger1764500000000 } from './1764500000000-Ledger';

export const ALL_MIGRATIONS = [Foundation1764400000000, Ledger1764500000000];
