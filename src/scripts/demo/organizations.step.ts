import { Tally, upsertRow, type SeedStep } from './context';
import { DEMO, ORGANIZATIONS } from './world';

/** Street offices, community committees, the merchants, the hospital, the canteen and the charity fund. */
export const organizationsStep: SeedStep = {
  name: 'organizations',
  run: (ctx) =>
    ctx.tx.run(async (em) => {
      const tally = new Tally();
      for (const o of ORGANIZATIONS) {
        tally.add(
          await upsertRow(em, 'organizations', {
            id: DEMO.organizations[o.key],
            name: o.name,
            type: o.type,
            region_id: DEMO.regions[o.region],
          }),
        );
      }
      return tally.toString();
    }),
};
