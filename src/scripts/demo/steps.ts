// The demo seed, in order. A later feature adds its own file here (`points.step.ts`,
// `listings.step.ts`, `orders.step.ts`, `donations.step.ts`, `reports.step.ts`, ...) exporting a
// `SeedStep`, and appends it below. See README.md in this folder.
import { catalogStep } from './catalog.step';
import type { SeedStep } from './context';
import { earningStep } from './earning.step';
import { entitlementsStep } from './entitlements.step';
import { fundingStep } from './funding.step';
import { noticesStep } from './notices.step';
import { mutualAidStep } from './mutual-aid.step';
import { organizationsStep } from './organizations.step';
import { redemptionStep } from './redemption.step';
import { regionsStep } from './regions.step';
import { residentsStep, staffStep } from './users.step';
import { settlementStep } from './settlement.step';

export const DEMO_STEPS: readonly SeedStep[] = [
  regionsStep,
  organizationsStep,
  staffStep,
  residentsStep,
  earningStep,
  catalogStep,
  redemptionStep,
  entitlementsStep,
  fundingStep,
  noticesStep,
  mutualAidStep,
  settlementStep,
];
