/**
 * Renders a case for a person at a terminal, in Norwegian: where the case stands, who must act,
 * what is due when and whether it is late, the absence that opened and moved it with its
 * evidence, what happened in the order it happened (with when it was recorded, where that was
 * later), the notes people wrote, and which documents are on file. Internal names never show:
 * every event, deadline, role, stage and document goes through machines/labels.ts.
 */
import {
  closingReasonNames,
  delayName,
  documentNames,
  effectLabels,
  eventNames,
  meetingNames,
  roleList,
  roleNames,
  serviceNames,
  stageNames,
  trendNames,
  triggerRuleNames,
} from '../machines/labels';
import type { EffectName } from '../machines/effects';
import type { DocumentKind, MeetingKind, Role, Service, Trend } from '../machines/vocabulary';
import { type CaseView, type TimelineEntry, type TriggerRecord, daysOverdueAt } from '../workflows/case-messages';

const OSLO = 'Europe/Oslo';
/** A fact recorded later than this after it happened shows when it was recorded too. */
const RECORDED_LATE_MS = 60 * 60 * 1000;

/** Oslo local time, e.g. 07.10.2026, 14:05; the time zone is fixed so output is stable. */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat('nb-NO', { timeZone: OSLO, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** Oslo local date, e.g. 07.10.2026. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat('nb-NO', { timeZone: OSLO, dateStyle: 'short' }).format(
    new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso),
  );
}

const days = (n: number) => `${n} ${n === 1 ? 'dag' : 'dager'}`;
const roles = (list: readonly Role[]) => roleList(list) || '–';

/** Norwegian names of the event fields people fill in, in the order they are shown. */
const fieldNames: Record<string, string> = {
  cause: 'Årsak',
  causeNote: 'Merknad',
  note: 'Notat',
  reason: 'Begrunnelse',
  measures: 'Tiltak',
  evaluationDate: 'Evalueres',
  scheduledFor: 'Tidspunkt',
  meeting: 'Møte',
  participants: 'Deltakere',
  pupilPresent: 'Eleven til stede',
  outcome: 'Utfall',
  trend: 'Utvikling',
  service: 'Tjeneste',
  recipients: 'Informert',
  signedBy: 'Signert av',
  advice: 'Råd',
  conclusion: 'Konklusjon',
  channel: 'Kanal',
  recurring: 'Gjentatt sykdom',
  guardiansApproveClosing: 'Foresatte godkjenner avslutning',
  kind: 'Type',
  via: 'Via',
  documentRef: 'Dokument',
  minutesRef: 'Referat',
  planRef: 'Plan',
};

/** A field value in words: roles, meetings, services, trends and yes/no named in Norwegian. */
function fieldValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'ja' : 'nei';
  if (Array.isArray(value)) return value.map((v) => fieldValue(key, v)).join(', ');
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'participants' || key === 'recipients' || key === 'signedBy') return roleNames[value as Role] ?? value;
  if (key === 'meeting') return meetingNames[value as MeetingKind] ?? value;
  if (key === 'service') return serviceNames[value as Service] ?? value;
  if (key === 'outcome' || key === 'trend') return trendNames[value as Trend] ?? value;
  if (key === 'kind') return documentNames[value as DocumentKind] ?? value;
  if (key === 'reason' && value in closingReasonNames) return closingReasonNames[value as keyof typeof closingReasonNames];
  if (key === 'scheduledFor') return formatTime(value);
  if (key === 'evaluationDate') return formatDate(value);
  return value;
}

/** The event's own fields, one indented line each; detection's evidence is shown under triggers instead. */
function dataLines(data: Record<string, unknown> | undefined): string[] {
  if (!data) return [];
  const keys = Object.keys(data).filter((k) => k !== 'trigger');
  const ordered = [...Object.keys(fieldNames).filter((k) => keys.includes(k)), ...keys.filter((k) => !(k in fieldNames))];
  return ordered.map((k) => `        ${fieldNames[k] ?? k}: ${fieldValue(k, data[k])}`);
}

/** When an entry happened, for ordering the history: the fact's time, not when it was recorded. */
function happenedAt(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'event':
      return entry.at;
    case 'deadline':
      return entry.dueAt ?? entry.firedAt;
    case 'refused':
      return entry.at;
    case 'effect':
      return entry.deliveredAt;
  }
}

function timelineLines(entry: TimelineEntry): string[] {
  switch (entry.kind) {
    case 'event': {
      const late =
        Date.parse(entry.appliedAt) - Date.parse(entry.at) > RECORDED_LATE_MS ? ` (registrert ${formatTime(entry.appliedAt)})` : '';
      const who = entry.actor.role === 'system' ? 'fraværsdeteksjonen' : `${roleNames[entry.actor.role]} ${entry.actor.userId}`;
      return [
        `${formatTime(entry.at)}  ${eventNames[entry.type] ?? entry.type} – ${who}${late} → ${entry.stateLabel}`,
        ...dataLines(entry.data),
      ];
    }
    case 'deadline':
      return [
        `${formatTime(happenedAt(entry))}  Frist: ${delayName(entry.name)}${entry.missed ? ' – var passert da saken ble registrert' : ''} → ${entry.stateLabel}`,
      ];
    case 'refused': {
      const effect = entry.type.startsWith('effect:') ? effectLabels[entry.type.slice('effect:'.length) as EffectName] : undefined;
      const what = effect
        ? `${effect[0]!.toUpperCase()}${effect.slice(1)} ble ikke levert`
        : `Avvist: «${eventNames[entry.type as keyof typeof eventNames] ?? entry.type}»`;
      return [`${formatTime(entry.at)}  ${what}: ${entry.reason}`];
    }
    case 'effect': {
      const effect = effectLabels[entry.name as EffectName] ?? 'melding';
      const to = entry.recipients.map((r) => roleNames[r as Role] ?? r).join(', ');
      const channels = { email: 'e-post', sms: 'SMS', outbox: 'utboks' } as const;
      return [
        `${formatTime(entry.deliveredAt)}  Sendt: ${effect} – «${entry.subject}» (mottakere: ${to})`,
        // Each person by their directory id only: names and addresses stay out of the case.
        ...(entry.deliveries ?? []).map(
          (d) =>
            `      ${d.status === 'sent' ? (d.duplicate ? 'sendt før' : 'sendt') : 'ikke levert'}: ${roleNames[d.role as Role] ?? d.role} ${d.personId} (${channels[d.channel]}${d.language ? `, ${d.language}` : ''})${d.error ? ` – ${d.error}` : ''}`,
        ),
        ...(entry.unreached ?? []).map(
          (u) => `      ikke nådd: ${roleNames[u.role as Role] ?? u.role}${u.personId ? ` ${u.personId}` : ''} – ${u.reason}`,
        ),
      ];
    }
  }
}

function triggerLine(t: TriggerRecord): string {
  const count = [t.days !== undefined ? days(t.days) : undefined, t.lessons !== undefined ? `${t.lessons} enkelttimer` : undefined]
    .filter(Boolean)
    .join(', ');
  const effect = { opened: 'åpnet saken', moved: 'flyttet saken videre', recorded: 'registrert' }[t.effect];
  return `  ${formatDate(t.at)}  ${triggerRuleNames[t.rule]}${count ? `: ${count}` : ''} (${t.dates.map(formatDate).join(', ')}) – ${effect}`;
}

/** A case as readable text; days overdue are counted to `now` (the view's own count is as of the case's last activity). */
export function formatCase(view: CaseView, now: Date = new Date()): string {
  const overdueDays = view.overdueSince ? daysOverdueAt(view.overdueSince, now.getTime()) : view.daysOverdue;
  const late = view.overdue
    ? ` – FORSINKET ${days(overdueDays)}${view.overdueSince ? ` (frist ${formatDate(view.overdueSince)})` : ''}`
    : '';
  const history = view.timeline
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => happenedAt(a.entry).localeCompare(happenedAt(b.entry)) || a.i - b.i)
    .flatMap(({ entry }) => timelineLines(entry).map((line) => `  ${line}`));
  const lines = [
    `Sak ${view.caseId} (${view.workflowId})`,
    `Rutine:      ${view.procedure.displayName} (versjon ${view.procedure.version})`,
    `Skole:       ${view.schoolId}   Elev: ${view.pupilId}   Trinn: ${view.grade}`,
    `Åpnet:       ${formatTime(view.openedAt)}`,
    `Status:      ${view.status === 'open' ? 'åpen' : 'avsluttet'} – ${stageNames[view.stage]}${late}`,
    `Nå:          ${view.state.label}`,
    `Ansvar:      ${roles(view.state.responsible)}`,
    `Må finnes:   ${view.state.requiredDocuments.map((d) => documentNames[d as DocumentKind] ?? d).join(', ') || '–'}`,
    `Kan ta imot: ${view.allowedEvents.map((t) => eventNames[t]).join(', ') || '–'}`,
    ...(view.closing
      ? [
          `Avsluttet:   ${formatTime(view.closing.at)} – ${closingReasonNames[view.closing.reason]}: ${view.closing.note} (${roleNames[view.closing.actor.role]} ${view.closing.actor.userId})`,
        ]
      : []),
    'Frister:',
    ...(view.deadlines.length ? view.deadlines.map((d) => `  ${formatTime(d.dueAt)}  ${delayName(d.name)}`) : ['  –']),
    'Fravær som utløste saken:',
    ...(view.triggers.length ? view.triggers.map(triggerLine) : ['  –']),
    'Historikk:',
    ...(history.length ? history : ['  –']),
    'Dokumenter:',
    ...(view.documents.length
      ? view.documents.map(
          (d) => `  ${formatTime(d.at)}  ${documentNames[d.kind] ?? d.kind}: ${d.ref} (${roleNames[d.by.role]} ${d.by.userId})`,
        )
      : ['  –']),
  ];
  return lines.join('\n');
}
