import 'reflect-metadata';
import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../auth/token';
import { ENTITY_KEY } from '../graphql/common.types';
import type { ClinicSharing, TenantKind } from './viewer';

export const TenantKindEnum = { CENTRAL: 'CENTRAL', CLINIC: 'CLINIC' } as const;
registerEnumType(TenantKindEnum, {
  name: 'TenantKind',
  description: 'What a tenant is within its organization.',
  valuesConfig: {
    CENTRAL: { description: 'The head office of a chain (Clinic Cloud Central).' },
    CLINIC: { description: 'One clinic.' },
  },
});

export const ClinicSharingEnum = { CENTRAL_ONLY: 'CENTRAL_ONLY', BETWEEN_CLINICS: 'BETWEEN_CLINICS' } as const;
registerEnumType(ClinicSharingEnum, {
  name: 'ClinicSharing',
  description: "How the clinics of one organization see each other's catalogue.",
  valuesConfig: {
    CENTRAL_ONLY: { description: 'Each clinic sees its own rows and what the central shares.' },
    BETWEEN_CLINICS: { description: 'Every tenant also sees what the clinics share.' },
  },
});

export const RoleEnum = Object.fromEntries(ROLES.map((role) => [role, role])) as { [R in Role]: R };
registerEnumType(RoleEnum, {
  name: 'Role',
  description: "What a user may do, from the token's `roles` claim.",
  valuesConfig: {
    PLATFORM_ADMIN: { description: 'Creates organizations and clinics; sees no catalogue.' },
    ADMIN: { description: "Configures its tenant's catalogue (Configuración)." },
    STAFF: { description: 'Reads the catalogue, quotes and odontogram plans; changes nothing.' },
  },
});

@Directive(ENTITY_KEY)
@ObjectType({
  simpleResolvers: true,
  description: 'Who owns catalogue rows: a clinic, or the central (head office) of a chain. A user acts for exactly one tenant.',
})
export class Tenant {
  @Field(() => ID, { description: 'Unique id (a UUID); the `tid` claim of its users\' tokens.' })
  id: string;

  @Field({ description: 'The name, 1-120 characters; unique in the organization (case and accents ignored).' })
  name: string;

  @Field(() => TenantKindEnum, { description: 'Central or clinic.' })
  kind: TenantKind;

  organizationId: string;
}

@Directive(ENTITY_KEY)
@ObjectType({
  simpleResolvers: true,
  description: 'One customer (cuenta / cadena): a standalone clinic, or a chain of clinics with a central. Rows never cross organizations.',
})
export class Organization {
  @Field(() => ID, { description: 'Unique id (a UUID).' })
  id: string;

  @Field({ description: 'The name, 1-120 characters.' })
  name: string;

  @Field({ description: 'ISO-4217 code; every price of the organization is in it.' })
  currency: string;

  @Field({ description: 'IANA time zone, e.g. "Europe/Madrid": what "today" means for price lists and quotes.' })
  timeZone: string;

  @Field(() => ClinicSharingEnum, { description: 'Whether clinics see what other clinics share; set by the central\'s administrators (updateClinicSharing).' })
  clinicSharing: ClinicSharing;
}

@ObjectType('Viewer', { simpleResolvers: true, description: 'Who is asking: the verified token\'s user, roles and tenant.' })
export class ViewerInfo {
  @Field({ description: 'The user id (the token\'s `sub`).' })
  userId: string;

  @Field(() => [RoleEnum], { description: 'The token\'s roles; never empty.' })
  roles: Role[];

  tenantId: string | null;
  organizationId: string | null;
}

@InputType({ description: 'A new organization with its central (for a chain) and its clinics.' })
export class ProvisionOrganizationInput {
  @Field({ description: '1-120 characters, trimmed (BAD_USER_INPUT on `name`).' })
  name: string;

  @Field({ defaultValue: 'EUR', description: 'ISO-4217 code, three capital letters (BAD_USER_INPUT on `currency`).' })
  currency: string;

  @Field({
    defaultValue: 'Europe/Madrid',
    description: 'IANA time zone ("Europe/Madrid", "America/Bogota"): what "today" means for price lists and quotes. An unknown zone is BAD_USER_INPUT on `timeZone`.',
  })
  timeZone: string;

  @Field(() => ClinicSharingEnum, { defaultValue: 'CENTRAL_ONLY', description: 'How the clinics see each other\'s catalogue.' })
  clinicSharing: ClinicSharing;

  @Field(() => String, {
    nullable: true,
    description:
      'The central\'s name, 1-120 characters. Null for a standalone clinic, which has exactly one clinic (BAD_USER_INPUT on `centralName` otherwise).',
  })
  centralName?: string | null;

  @Field(() => [String], {
    description:
      'The clinics\' names: 1-300 of them (BAD_USER_INPUT on `clinicNames`), each 1-120 characters (BAD_USER_INPUT on `clinicNames[i]`); tenant names are unique in the organization, case and accents ignored (CONFLICT on `name`).',
  })
  clinicNames: string[];
}

export const OriginEnum = { OWN: 'OWN', CENTRAL: 'CENTRAL', OTHER_CLINIC: 'OTHER_CLINIC' } as const;
registerEnumType(OriginEnum, {
  name: 'Origin',
  description: "Where a row comes from, seen from the viewer's tenant.",
  valuesConfig: {
    OWN: { description: "Created by the viewer's own tenant (servicios propios)." },
    CENTRAL: { description: 'Created by the central and shared with the viewer (servicios compartidos).' },
    OTHER_CLINIC: { description: 'Created by another clinic of the organization and shared.' },
  },
});
