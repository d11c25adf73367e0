import { registerEnumType } from 'type-graphql';

export const OdontogramScopeEnum = { NONE: 'NONE', MOUTH: 'MOUTH', ARCH: 'ARCH', QUADRANT: 'QUADRANT', TOOTH: 'TOOTH' } as const;
export type OdontogramScope = keyof typeof OdontogramScopeEnum;
registerEnumType(OdontogramScopeEnum, {
  name: 'OdontogramScope',
  description: 'Which part of the mouth a service is charted on in the odontogram.',
  valuesConfig: {
    NONE: { description: 'Not charted (a consultation, a hygiene visit counted once).' },
    MOUTH: { description: 'Once for the whole mouth.' },
    ARCH: { description: 'Once per arch (upper, lower) touched by the selected teeth.' },
    QUADRANT: { description: 'Once per quadrant touched by the selected teeth.' },
    TOOTH: { description: 'Once per selected tooth.' },
  },
});
