import { BadUserInputError } from '../errors';
import { priceLine, sumLines, type CountedItem } from './lines';
import type { Arch, OdontogramLine, OdontogramPlan, OdontogramScope } from './pricing.types';

/** Every FDI tooth, 32 permanent and 20 deciduous: no selection can hold more. */
const MAX_TEETH = 52;

/** A counted item together with where its service is charted. */
export interface ChartedItem extends CountedItem {
  odontogramScope: OdontogramScope;
}

/** The plan without its package, which the caller attaches. */
export type PlannedOdontogram = Omit<OdontogramPlan, 'packageId'>;

/** Where one line is charted; all null for NONE and MOUTH services. */
interface ChartSite {
  tooth: number | null;
  quadrant: number | null;
  arch: Arch | null;
}

/** Permanent quadrants 1-4 hold teeth 1-8; deciduous quadrants 5-8 hold teeth 1-5. */
export function isFdiTooth(tooth: number): boolean {
  if (!Number.isInteger(tooth)) return false;
  const quadrant = Math.floor(tooth / 10);
  const position = tooth % 10;
  if (quadrant >= 1 && quadrant <= 4) return position >= 1 && position <= 8;
  if (quadrant >= 5 && quadrant <= 8) return position >= 1 && position <= 5;
  return false;
}

/** 1-4; a deciduous tooth sits in the quadrant of the permanent tooth that replaces it. */
export function quadrantOf(tooth: number): number {
  const quadrant = Math.floor(tooth / 10);
  return quadrant > 4 ? quadrant - 4 : quadrant;
}

export function archOf(quadrant: number): Arch {
  return quadrant <= 2 ? 'UPPER' : 'LOWER';
}

/** Checks a selection of teeth and returns it in FDI order. */
export function validateTeeth(teeth: readonly number[]): number[] {
  if (teeth.length > MAX_TEETH) {
    throw new BadUserInputError('teeth', `teeth must hold at most ${MAX_TEETH} teeth, got ${teeth.length}`);
  }
  const seen = new Set<number>();
  teeth.forEach((tooth, index) => {
    if (!isFdiTooth(tooth)) throw new BadUserInputError('teeth', `teeth[${index}]: ${tooth} is not an FDI tooth number`);
    if (seen.has(tooth)) throw new BadUserInputError('teeth', `teeth[${index}]: tooth ${tooth} is repeated`);
    seen.add(tooth);
  });
  return [...teeth].sort((a, b) => a - b);
}

/** The sites an item is charted on; `teeth` are valid and in FDI order, so quadrants come out ascending. */
function sitesOf(scope: OdontogramScope, teeth: readonly number[]): ChartSite[] {
  switch (scope) {
    case 'NONE':
    case 'MOUTH':
      return [{ tooth: null, quadrant: null, arch: null }];
    case 'ARCH': {
      const arches = new Set(teeth.map((tooth) => archOf(quadrantOf(tooth))));
      return (['UPPER', 'LOWER'] as const).filter((arch) => arches.has(arch)).map((arch) => ({ tooth: null, quadrant: null, arch }));
    }
    case 'QUADRANT': {
      const quadrants = new Set(teeth.map(quadrantOf));
      return [1, 2, 3, 4].filter((quadrant) => quadrants.has(quadrant)).map((quadrant) => ({ tooth: null, quadrant, arch: null }));
    }
    case 'TOOTH':
      return teeth.map((tooth) => ({ tooth, quadrant: null, arch: null }));
  }
}

/**
 * What applying a package's counted items (in package order) to some teeth would chart:
 * each item expands into one line per site its scope touches, each with the item's quantity.
 */
export function planOdontogram(items: readonly ChartedItem[], teeth: readonly number[]): PlannedOdontogram {
  const chartedTeeth = validateTeeth(teeth);
  if (chartedTeeth.length === 0) {
    const needsTeeth = items.find((item) => item.odontogramScope !== 'NONE' && item.odontogramScope !== 'MOUTH');
    if (needsTeeth) {
      throw new BadUserInputError(
        'teeth',
        `teeth must name at least one tooth: service ${needsTeeth.serviceId} is charted per ${needsTeeth.odontogramScope.toLowerCase()}`,
      );
    }
  }
  const lines: OdontogramLine[] = items.flatMap((item) =>
    sitesOf(item.odontogramScope, chartedTeeth).map((site) => ({
      serviceId: item.serviceId,
      priceSource: item.priceSource,
      ...site,
      ...priceLine(item.unitPrice, item.taxRate, item.quantity),
    })),
  );
  return { teeth: chartedTeeth, lines, ...sumLines(lines) };
}
