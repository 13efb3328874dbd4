/**
 * Renders a case for a person at a terminal, in Norwegian: where the case stands, who must act,
 * what is due when, what happened and which documents are on file.
 */
import { roleNames, documentNames } from '../machines/labels';
import type { CaseView, TimelineEntry } from '../workflows/case-messages';
import type { Role, DocumentKind } from '../machines/vocabulary';

const stageNames: Record<CaseView['stage'], string> = {
  identification: 'kartlegging og kontakt',
  measures: 'tiltak',
  evaluation: 'evaluering',
  escalated: 'andre tjenester involvert',
  monitoring: 'oppfølging etter bedring',
  closed: 'avsluttet',
};

/** Oslo local time, e.g. 07.10.2026 14:05; the timezone is fixed so output is stable. */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat('nb-NO', { timeZone: 'Europe/Oslo', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

const roles = (list: readonly string[]) => list.map((r) => roleNames[r as Role] ?? r).join(', ') || '–';

function timelineLine(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'event':
      return `${formatTime(entry.at)}  ${entry.type} (${roleNames[entry.actor.role]} ${entry.actor.userId}) → ${entry.stateLabel}`;
    case 'deadline':
      return `${formatTime(entry.firedAt)}  frist nådd: ${entry.name} → ${entry.stateLabel}`;
    case 'refused':
      return `${formatTime(entry.at)}  avvist: ${entry.type}: ${entry.reason}`;
  }
}

/** A case as readable text. */
export function formatCase(view: CaseView): string {
  const lines = [
    `Sak ${view.caseId} (${view.workflowId})`,
    `Rutine:     ${view.procedure.displayName} (versjon ${view.procedure.version})`,
    `Skole:      ${view.schoolId}   Elev: ${view.pupilId}   Trinn: ${view.grade}`,
    `Åpnet:      ${formatTime(view.openedAt)}`,
    `Status:     ${view.status === 'open' ? 'åpen' : 'avsluttet'} – ${stageNames[view.stage]}${view.overdue ? ' – FRIST PASSERT' : ''}`,
    `Nå:         ${view.state.label}`,
    `Ansvar:     ${roles(view.state.responsible)}`,
    `Må finnes:  ${view.state.requiredDocuments.map((d) => documentNames[d as DocumentKind] ?? d).join(', ') || '–'}`,
    `Kan ta imot: ${view.allowedEvents.join(', ') || '–'}`,
    'Frister:',
    ...(view.deadlines.length ? view.deadlines.map((d) => `  ${formatTime(d.dueAt)}  ${d.name}`) : ['  –']),
    'Historikk:',
    ...(view.timeline.length ? view.timeline.map((e) => `  ${timelineLine(e)}`) : ['  –']),
    'Dokumenter:',
    ...(view.documents.length
      ? view.documents.map((d) => `  ${formatTime(d.at)}  ${documentNames[d.kind] ?? d.kind}: ${d.ref} (${roleNames[d.by.role]} ${d.by.userId})`)
      : ['  –']),
  ];
  return lines.join('\n');
}
