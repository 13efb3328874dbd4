/**
 * A new user of the web application (web/users/web-user.ts): each role's rule for staff, school
 * and municipality, the username lower-cased, and Norwegian errors naming the field and value.
 */
import { WebUserError, parseNewWebUser, webRoleNames, webRoleSchema } from '../../../web/users/web-user';

const base = { username: 'Kari@Skole.NO', displayName: 'Kari Kontakt' };

test('the five roles and their Norwegian names', () => {
  expect(webRoleSchema.options).toEqual(['contact-teacher', 'principal', 'coordinator', 'auditor', 'administrator']);
  expect(webRoleNames).toEqual({
    'contact-teacher': 'kontaktlærer',
    principal: 'rektor',
    coordinator: 'kommunal koordinator',
    auditor: 'revisor',
    administrator: 'administrator',
  });
});

test('a contact teacher needs a staff id and a school; the username is trimmed and lower-cased', () => {
  expect(parseNewWebUser({ ...base, username: ' Kari@Skole.NO ', role: 'contact-teacher', staffId: 'A1', schoolId: 'S001' })).toEqual({
    username: 'kari@skole.no',
    displayName: 'Kari Kontakt',
    role: 'contact-teacher',
    staffId: 'A1',
    schoolId: 'S001',
  });
  expect(() => parseNewWebUser({ ...base, role: 'contact-teacher', schoolId: 'S001' })).toThrow(
    'Ugyldig bruker: ansatt-id mangler: rollen kontaktlærer krever den.',
  );
  expect(() => parseNewWebUser({ ...base, role: 'contact-teacher' })).toThrow(/ansatt-id mangler.*skole-id mangler/);
});

test('a principal needs a school, the staff id is optional; no municipality', () => {
  expect(parseNewWebUser({ ...base, role: 'principal', schoolId: 'S001' }).schoolId).toBe('S001');
  expect(parseNewWebUser({ ...base, role: 'principal', schoolId: 'S001', staffId: 'A2' }).staffId).toBe('A2');
  expect(() => parseNewWebUser({ ...base, role: 'principal' })).toThrow('skole-id mangler: rollen rektor krever den');
  expect(() => parseNewWebUser({ ...base, role: 'principal', schoolId: 'S001', municipalityId: 'hardanger' })).toThrow(
    'kommune-id «hardanger» hører ikke til rollen rektor',
  );
});

test('a coordinator needs a municipality; an auditor may have one; an administrator has no scope', () => {
  expect(parseNewWebUser({ ...base, role: 'coordinator', municipalityId: 'hardanger' }).municipalityId).toBe('hardanger');
  expect(() => parseNewWebUser({ ...base, role: 'coordinator' })).toThrow('kommune-id mangler: rollen kommunal koordinator krever den');
  expect(parseNewWebUser({ ...base, role: 'auditor' }).municipalityId).toBeUndefined();
  expect(parseNewWebUser({ ...base, role: 'auditor', municipalityId: 'raelingen' }).municipalityId).toBe('raelingen');
  expect(() => parseNewWebUser({ ...base, role: 'auditor', schoolId: 'S001' })).toThrow('skole-id «S001» hører ikke til rollen revisor');
  expect(parseNewWebUser({ ...base, role: 'administrator' }).role).toBe('administrator');
  expect(() => parseNewWebUser({ ...base, role: 'administrator', staffId: 'A1' })).toThrow(
    'ansatt-id «A1» hører ikke til rollen administrator',
  );
});

test('bad values are named with the field and the value, in Norwegian', () => {
  expect(() => parseNewWebUser({ ...base, role: 'rektor' })).toThrow(WebUserError);
  expect(() => parseNewWebUser({ ...base, role: 'rektor' })).toThrow(
    'rolle «rektor» er ukjent; gyldige roller: contact-teacher (kontaktlærer)',
  );
  expect(() => parseNewWebUser({ ...base, username: 'kari skole', role: 'auditor' })).toThrow('brukernavn «kari skole» er ugyldig');
  expect(() => parseNewWebUser({ ...base, displayName: ' ', role: 'auditor' })).toThrow('navn mangler');
  expect(() => parseNewWebUser({ ...base, role: 'principal', schoolId: 'skole 1' })).toThrow('skole-id «skole 1» er ugyldig');
  expect(() => parseNewWebUser({ ...base, role: 'auditor', passord: 'x' })).toThrow('ukjent felt: passord');
});
