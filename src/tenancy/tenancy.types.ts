import 'reflect-metadata';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../auth/token';
import type { ClinicSharing, TenantKind } from './viewer';

export const TenantKindEnum = { CENTRAL: 'CENTRAL', CLINIC: 'CLINIC' } as const;
registerEnumType(TenantKindEnum, {
  name: 'TenantKind',
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
  valuesConfig: {
    PLATFORM_ADMIN: { description: 'Creates organizations and clinics; sees no catalogue.' },
    ADMIN: { description: "Configures its tenant's catalogue (Configuración)." },
    STAFF: { description: 'Reads the catalogue, quotes and odontogram plans; changes nothing.' },
  },
});

@ObjectType({ simpleResolvers: true })
export class Tenant {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => TenantKindEnum)
  kind: TenantKind;

  organizationId: string;
}

@ObjectType({ simpleResolvers: true })
export class Organization {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'ISO-4217 code; every price of the organization is in it.' })
  currency: string;

  @Field({ description: 'IANA time zone, e.g. "Europe/Madrid": what "today" means for price lists and quotes.' })
  timeZone: string;

  @Field(() => ClinicSharingEnum)
  clinicSharing: ClinicSharing;
}

@ObjectType('Viewer', { simpleResolvers: true })
export class ViewerInfo {
  @Field()
  userId: string;

  @Field(() => [RoleEnum])
  roles: Role[];

  tenantId: string | null;
  organizationId: string | null;
}

@InputType()
export class ProvisionOrganizationInput {
  @Field()
  name: string;

  @Field({ defaultValue: 'EUR' })
  currency: string;

  @Field({ defaultValue: 'Europe/Madrid', description: 'IANA time zone ("Europe/Madrid", "America/Bogota"): what "today" means for price lists and quotes. An unknown zone is BAD_USER_INPUT.' })
  timeZone: string;

  @Field(() => ClinicSharingEnum, { defaultValue: 'CENTRAL_ONLY' })
  clinicSharing: ClinicSharing;

  @Field(() => String, { nullable: true, description: 'Null for a standalone clinic.' })
  centralName?: string | null;

  @Field(() => [String])
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
