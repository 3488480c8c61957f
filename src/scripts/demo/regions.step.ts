import { Tally, upsertRow, type SeedStep } from './context';
import { DEMO, REGIONS, type DemoRegion, type RegionKey } from './world';

/** 蚌埠市 and 宣城市 down to their communities and village, with the community profiles. */
export const regionsStep: SeedStep = {
  name: 'regions',
  run: (ctx) =>
    ctx.tx.run(async (em) => {
      const regions = new Tally();
      const profiles = new Tally();
      const paths = new Map<RegionKey, string>();
      for (const r of REGIONS as readonly DemoRegion[]) {
        const key = r.key as RegionKey;
        const id = DEMO.regions[key];
        const parentId = r.parent ? DEMO.regions[r.parent as RegionKey] : null;
        const path = `${r.parent ? paths.get(r.parent as RegionKey) : '/'}${id}/`;
        paths.set(key, path);
        regions.add(
          await upsertRow(em, 'regions', { id, name: r.name, kind: r.kind, parent_id: parentId, path }),
        );
        if (r.profile) {
          profiles.add(
            await upsertRow(
              em,
              'community_profiles',
              {
                region_id: id,
                population: r.profile.population,
                households: r.profile.households,
                collective_income_fen: r.profile.collectiveIncomeFen,
                base_grant_points: r.profile.baseGrantPoints,
              },
              'region_id',
            ),
          );
        }
      }
      return `regions ${regions}; community profiles ${profiles}`;
    }),
};
