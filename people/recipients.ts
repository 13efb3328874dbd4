/**
 * Who receives a message for a role in a pupil's case, and what one person may see of the
 * others. Pure: the store (people-store.ts) reads a pupil's people, these rules decide. The rules,
 * documented in docs/people-format.md:
 *
 * - guardians: only guardians with parental responsibility (foreldreansvar) receive messages
 *   about the pupil; a guardian without it is never a recipient.
 * - contact-teacher: the pupil's contact teacher, when that person is staff at the pupil's school.
 * - every other school role: the staff who hold that role at the pupil's school.
 * - roles outside the school (PPT, child welfare, …), the pupil and the system have no entry in
 *   the directory: no recipients.
 * - protected address (skjermet adresse): such a guardian is never revealed to anyone else. Every
 *   message has exactly one recipient (a message to both guardians is two messages), and
 *   `visibleTo` / `forDisplayToOthers` leave such guardians out of anything shown to another person.
 */
import type { Role } from '../machines/vocabulary';
import type { Pupil, PupilGuardian, StaffMember, WrittenStandard } from './people-schema';

/** A pupil with the people around them at their school, as the store reads them. */
export interface PupilPeople {
  pupil: Pupil;
  guardians: readonly PupilGuardian[];
  /** The staff of the pupil's school with their roles there. */
  staff: readonly StaffMember[];
}

/** A person a message can be sent to: contact details and how to write to them. */
export interface Recipient {
  kind: 'guardian' | 'staff';
  id: string;
  name: string;
  email?: string;
  mobile?: string;
  language: string;
  writtenStandard: WrittenStandard;
  /** Guardians only: true when this person must never be shown to anyone else. */
  protectedAddress: boolean;
}

/** One message to one person: there is no Cc and no second recipient, by construction. */
export interface Envelope {
  to: Recipient;
}

const optional = <K extends string>(name: K, value: string | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, string>>;

function guardianRecipient(g: PupilGuardian): Recipient {
  return {
    kind: 'guardian',
    id: g.guardianId,
    name: g.name,
    ...optional('email', g.email),
    ...optional('mobile', g.mobile),
    language: g.language,
    writtenStandard: g.writtenStandard,
    protectedAddress: g.protectedAddress,
  };
}

/** Staff are written to in bokmål; the school's own language of work. */
function staffRecipient(s: StaffMember): Recipient {
  return {
    kind: 'staff',
    id: s.staffId,
    name: s.name,
    email: s.email,
    ...optional('mobile', s.mobile),
    language: 'nb',
    writtenStandard: 'bokmal',
    protectedAddress: false,
  };
}

const byId = (a: Recipient, b: Recipient) => a.id.localeCompare(b.id);

/** The people to message for `role` about the pupil, at the pupil's school (rules above). */
export function recipientsFor(role: Role, people: PupilPeople): Recipient[] {
  const { pupil } = people;
  const atSchool = people.staff.filter((s) => s.schoolId === pupil.schoolId);
  if (role === 'guardians')
    return people.guardians
      .filter((g) => g.parentalResponsibility)
      .map(guardianRecipient)
      .sort(byId);
  if (role === 'contact-teacher') {
    // The pupil's own contact teacher, not every contact teacher at the school.
    const teacher = atSchool.find((s) => s.staffId === pupil.contactTeacherId);
    return teacher ? [staffRecipient(teacher)] : [];
  }
  return atSchool
    .filter((s) => s.roles.includes(role))
    .map(staffRecipient)
    .sort(byId);
}

/** One envelope per recipient: a message to several people is several messages, never one with several addresses. */
export function envelopesFor(role: Role, people: PupilPeople): Envelope[] {
  return recipientsFor(role, people).map((to) => ({ to }));
}

/**
 * The recipients whose name or contact details may appear in what `viewer` sees (a message to
 * them, a list shown to them): everyone but guardians with a protected address, who are shown
 * only to themselves.
 */
export function visibleTo(viewer: Pick<Recipient, 'kind' | 'id'> | undefined, people: readonly Recipient[]): Recipient[] {
  return people.filter((p) => !p.protectedAddress || (viewer !== undefined && viewer.kind === p.kind && viewer.id === p.id));
}

/** A list of people for display to others (staff, the other guardian, a report): protected guardians left out. */
export function forDisplayToOthers(people: readonly Recipient[]): Recipient[] {
  return visibleTo(undefined, people);
}

/** The guardians of a pupil that may be named to others (e.g. «foresatte» in a case view). */
export function guardiansForDisplay(people: PupilPeople): Recipient[] {
  return forDisplayToOthers(people.guardians.map(guardianRecipient));
}
