import type { NoticeInput } from '../notices/notices.service';
import type { FundingReportEntity } from './entities/funding-report.entity';
import { periodLabel } from './report-period';

/** An approved funding report, as the notice log of one community it covers shows it. */
export const fundingReportNotice = (
  report: Pick<FundingReportEntity, 'id' | 'periodFrom' | 'periodTo'>,
  communityId: string,
  regionName: string,
): NoticeInput => ({
  communityId,
  kind: 'funding_report',
  summary: `${regionName} 资金与积分报告（${periodLabel(report.periodFrom.toISOString(), report.periodTo.toISOString())}）经街道审核通过`,
  refType: 'funding_report',
  refId: report.id,
});
