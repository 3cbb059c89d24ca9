import { InitialSchema1795241975304 } from './1795241975304-initial-schema.js';
import { SegmentationAndTemplates1795245570200 } from './1795245570200-segmentation-and-templates.js';
import { ConsentChannelsPrivacy1795247233772 } from './1795247233772-consent-channels-privacy.js';
import { Waves1795248335617 } from './1795248335617-waves.js';
import { ConsentState1795250965981 } from './1795250965981-consent-state.js';
import { DispatchIndexes1795259970404 } from './1795259970404-dispatch-indexes.js';
import { SuppressionHashInline1795279646162 } from './1795279646162-suppression-hash-inline.js';
import { DeliveryReports1795300000000 } from './1795300000000-delivery-reports.js';
import { RegionEditions1796122508454 } from './1796122508454-region-editions.js';
import { ImportWarnings1796124519895 } from './1796124519895-import-warnings.js';
import { HonestProposals1796200000000 } from './1796200000000-honest-proposals.js';
import { RegionGeometry1796300000000 } from './1796300000000-region-geometry.js';
import { StaffLanguage1796300000001 } from './1796300000001-staff-language.js';
import { TemplateContexts1796400000000 } from './1796400000000-template-contexts.js';
import { WaveApproval1796500000000 } from './1796500000000-wave-approval.js';
import { AdminReadApi1796500000001 } from './1796500000001-admin-read-api.js';
import { MessageHandOver1796600000000 } from './1796600000000-message-hand-over.js';
import { ReportAnomalies1796600000010 } from './1796600000010-report-anomalies.js';
import { ConfirmationReleases1796600000020 } from './1796600000020-confirmation-releases.js';
import { WaveRevisions1796800000001 } from './1796800000001-wave-revisions.js';
import { StaffSecondFactor1796900000010 } from './1796900000010-staff-second-factor.js';
import { WaveJudgedCount1797000000100 } from './1797000000100-wave-judged-count.js';
import { FoldedSearch1797000000200 } from './1797000000200-folded-search.js';
import { ClickCounts1797000001000 } from './1797000001000-click-counts.js';
import { WaveOptOuts1797000003000 } from './1797000003000-wave-opt-outs.js';
import { ComplaintIndex1797000004000 } from './1797000004000-complaint-index.js';
import { WaveCounters1797000002000 } from './1797000002000-wave-counters.js';

/** In order. A new migration is generated with `npm run migration:generate` and added here. */
export const MIGRATIONS = [
  InitialSchema1795241975304,
  SegmentationAndTemplates1795245570200,
  ConsentChannelsPrivacy1795247233772,
  Waves1795248335617,
  ConsentState1795250965981,
  DispatchIndexes1795259970404,
  SuppressionHashInline1795279646162,
  DeliveryReports1795300000000,
  RegionEditions1796122508454,
  ImportWarnings1796124519895,
  HonestProposals1796200000000,
  RegionGeometry1796300000000,
  StaffLanguage1796300000001,
  TemplateContexts1796400000000,
  WaveApproval1796500000000,
  AdminReadApi1796500000001,
  MessageHandOver1796600000000,
  ReportAnomalies1796600000010,
  ConfirmationReleases1796600000020,
  WaveRevisions1796800000001,
  StaffSecondFactor1796900000010,
  WaveJudgedCount1797000000100,
  FoldedSearch1797000000200,
  ClickCounts1797000001000,
  WaveOptOuts1797000003000,
  ComplaintIndex1797000004000,
  WaveCounters1797000002000,
];
