/**
 * The words every procedure shares: who acts (roles), which services a case can involve, which
 * documents it produces and which kinds of meeting it holds. Each is a zod enum so events can be
 * validated with it and the TypeScript type is inferred, never written twice.
 */
import { z } from 'zod';

/** Everyone who can act in, or be responsible for, a case. */
export const roleSchema = z.enum([
  'contact-teacher', // kontaktlærer
  'teacher-team', // lærerteam
  'teacher', // faglærer
  'principal', // rektor
  'school-leadership', // skolens ledelse
  'social-teacher', // sosiallærer
  'counsellor', // rådgiver
  'resource-team', // ressursteam
  'school-nurse', // helsesykepleier
  'ppt', // PP-tjenesten
  'innsatsteam', // the municipality's multi-agency team
  'child-welfare', // barnevern
  'bup', // barne- og ungdomspsykiatrisk poliklinikk
  'doctor', // fastlege / specialist health service
  'mental-health', // psykisk helse
  'ungdomslos', // UngdomsLOS / familieveileder
  'nav',
  'guardians', // foresatte
  'pupil', // elev
  'school-owner', // skoleeier (the municipality)
  'coordinator', // the municipality's case coordinator using the dashboard
  'system', // automatic detection from absence registrations
]);
export type Role = z.infer<typeof roleSchema>;

/** Services outside the classroom that a case may involve (consent and referrals name one). */
export const serviceSchema = z.enum([
  'school-nurse',
  'ppt',
  'innsatsteam',
  'child-welfare',
  'bup',
  'doctor',
  'mental-health',
  'ungdomslos',
  'nav',
  'resource-team',
]);
export type Service = z.infer<typeof serviceSchema>;

/** Documents a case produces; a state's meta lists the ones it requires before it is left. */
export const documentKindSchema = z.enum([
  'contact-log', // logged conversation with guardians
  'minutes', // referat
  'mapping-form', // kartleggingsskjema
  'psychosocial-mapping', // mapping of the pupil's psychosocial environment
  'measures-plan', // tiltaksplan / agreed measures
  'cooperation-agreement', // samarbeidsavtale
  'evaluation', // evaluation minutes / form
  'pupil-voice', // the pupil's own view, directly or through a trusted adult
  'consent', // samtykke
  'referral', // henvisning
  'report-of-concern', // bekymringsmelding
  'school-owner-notice', // notice to the school owner
  'closing-note', // why and with whose approval the case was closed
  'absence-notice', // guardians' notice of absence
  'suspicion-note', // what was observed that raised a suspicion
  'health-note', // the school nurse's conclusion (the journal itself stays with the nurse)
  'decision-note', // a documented decision, e.g. to escalate early
]);
export type DocumentKind = z.infer<typeof documentKindSchema>;

/** Kinds of meeting the procedures call. */
export const meetingKindSchema = z.enum([
  'guardian-conversation', // samtale med foresatte (and pupil)
  'pupil-conversation', // elevsamtale
  'leadership-meeting', // meeting called by the principal with guardians
  'cooperation-meeting', // samarbeidsmøte (measures agreed)
  'evaluation-meeting', // evalueringsmøte
  'class-teacher-meeting', // klasselærermøte
  'innsatsteam-pre-meeting', // formøte with Innsatsteam
  'multi-agency-meeting', // tverrfaglig møte
  'school-nurse-conversation', // samtale med helsesykepleier
]);
export type MeetingKind = z.infer<typeof meetingKindSchema>;

/** Suspicions that make child welfare the first call (the Rælingen guide, national guidance). */
export const suspicionKindSchema = z.enum(['violence', 'abuse', 'neglect', 'guardian-substance-abuse', 'serious-behaviour']);
export type SuspicionKind = z.infer<typeof suspicionKindSchema>;

/** Absence patterns that open or move a case (detection rules cite their seed clause). */
export const triggerRuleSchema = z.enum([
  'consecutive-days', // C: 3 consecutive days
  'single-days-in-month', // C: 4 single days within a month
  'partial-days-in-month', // C: repeated partial-day absence in the last month
  'days-over-limit', // A: over 10 days
  'high-absence-short-period', // A: high absence over a short time
  'days-or-lessons-over-limit', // E: over 8 days and/or 10 single lessons
  'valid-absence-half-year', // E: 10 days of valid absence in a half-year
  'unnotified-absence', // A, C, E: absence without notice from guardians
  'suspected-invalid-absence', // E: suspected invalid absence
  'late-arrivals', // E: danger sign
  'left-during-day', // E: arrives and then leaves
  'staff-concern', // B, A: a teacher's concern without a numeric rule
]);
export type TriggerRule = z.infer<typeof triggerRuleSchema>;

/** Direction of absence since the last look, computed by detection from registrations. */
export const trendSchema = z.enum(['improved', 'unchanged', 'worse']);
export type Trend = z.infer<typeof trendSchema>;
