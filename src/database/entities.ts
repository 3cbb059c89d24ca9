import { AuditEntry } from '../audit/audit-entry.entity.js';
import { StaffToken } from '../auth/staff-token.entity.js';
import { StaffUser } from '../auth/staff-user.entity.js';
import { ConsentEvent } from '../consent/consent-event.entity.js';
import { ConsentCurrent } from '../consent/consent-current.entity.js';
import { ConsentState } from '../consent/consent-state.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Message, MessageEvent } from '../messaging/message.entity.js';
import { AppSecret, RetentionRule, Suppression } from '../privacy/privacy.entities.js';
import { CampaignEvent, RateWindow, Wave } from '../waves/wave.entities.js';
import { ImportJob } from '../imports/import-job.entity.js';
import { Feature } from '../regions/feature.entity.js';
import { Postcode } from '../regions/postcode.entity.js';
import { Region } from '../regions/region.entity.js';
import {
  Segment,
  SegmentationRun,
  SegmentContactMember,
  SegmentMember,
} from '../segmentation/segmentation.entities.js';
import { IssueTemplate, IssueTemplateVersion, SegmentMatch } from '../templates/template.entities.js';

export const ENTITIES = [
  Region,
  Feature,
  Postcode,
  Contact,
  ConsentEvent,
  ConsentState,
  ConsentCurrent,
  ImportJob,
  StaffUser,
  StaffToken,
  AuditEntry,
  SegmentationRun,
  Segment,
  SegmentMember,
  SegmentContactMember,
  IssueTemplate,
  IssueTemplateVersion,
  SegmentMatch,
  Message,
  MessageEvent,
  Suppression,
  AppSecret,
  RetentionRule,
  Wave,
  CampaignEvent,
  RateWindow,
];
