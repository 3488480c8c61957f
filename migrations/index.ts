// Every migration, in order. The app, the CLI and the tests all run this list (no globbing, so the
// same list works from ts-node, jest and the compiled dist/).
import { Foundation1764400000000 } from './1764400000000-Foundation';
import { Ledger1764500000000 } from './1764500000000-Ledger';
import { Earning1764600000000 } from './1764600000000-Earning';
import { Catalog1764700000000 } from './1764700000000-Catalog';
import { Signing1764800000000 } from './1764800000000-Signing';
import { Orders1764900000000 } from './1764900000000-Orders';
import { Redemption1765000000000 } from './1765000000000-Redemption';
import { Entitlements1765100000000 } from './1765100000000-Entitlements';
import { Funding1765200000000 } from './1765200000000-Funding';
import { Security1765320000000 } from './1765320000000-Security';
import { MutualAid1765500000000 } from './1765500000000-MutualAid';
import { AppealsNotices1765600000000 } from './1765600000000-AppealsNotices';
import { SettlementExpiry1765700000000 } from './1765700000000-SettlementExpiry';

export const ALL_MIGRATIONS = [
  Foundation1764400000000,
  Ledger1764500000000,
  Earning1764600000000,
  Catalog1764700000000,
  Signing1764800000000,
  Orders1764900000000,
  Redemption1765000000000,
  Entitlements1765100000000,
  Funding1765200000000,
  Security1765320000000,
  MutualAid1765500000000,
  AppealsNotices1765600000000,
  SettlementExpiry1765700000000,
];
