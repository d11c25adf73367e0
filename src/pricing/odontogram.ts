import { BadUserInputError } from '../errors';
import type { Arch, OdontogramScope } from './pricing.types';

/** Every FDI tooth, 32 permanent and 20 deciduous: no selection can hold more. */
const MAX_TEETH = 52;

/** Where one line is charted; all null for NONE and MOUTH services, and for lines not charted. */
export interface ChartSite {
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

/** Checks a selection of teeth and returns it in FDI order; errors name `field` (`teeth`, `lines[2].teeth`). */
export function validateTeeth(teeth: readonly number[], field = 'teeth'): number[] {
  if (teeth.length > MAX_TEETH) {
    throw new BadUserInputError(field, `${field} must hold at most ${MAX_TEETH} teeth, got ${teeth.length}`);
  }
  const seen = new Set<number>();
  teeth.forEach((tooth, index) => {
    if (!isFdiTooth(tooth)) throw new BadUserInputError(field, `${field}[${index}]: ${tooth} is not an FDI tooth number`);
    if (seen.has(tooth)) throw new BadUserInputError(field, `${field}[${index}]: tooth ${tooth} is repeated`);
    seen.add(tooth);
  });
  return [...teeth].sort((a, b) => a - b);
}

const NOT_CHARTED: ChartSite = { tooth: null, quadrant: null, arch: null };

/** Scopes that need at least one tooth to be charted. */
export function needsTeeth(scope: OdontogramScope): boolean {
  return scope === 'TOOTH' || scope === 'QUADRANT' || scope === 'ARCH';
}

/**
 * The sites a service is charted on: one per tooth (FDI order), per quadrant touched (ascending),
 * per arch touched (UPPER first), or one for NONE and MOUTH services. `teeth` null means the line
 * is not charted: one site. `teeth` are valid and in FDI order.
 */
export function sitesOf(scope: OdontogramScope, teeth: readonly number[] | null): ChartSite[] {
  if (teeth === null) return [NOT_CHARTED];
  switch (scope) {
    case 'NONE':
    case 'MOUTH':
      return [NOT_CHARTED];
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
