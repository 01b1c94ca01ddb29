// Every page and its path. Each page module owns its file; this list is the only place they meet.

import type { ComponentType } from 'react';
import { CampaignComposer } from './CampaignComposer';
import { CampaignDetail } from './CampaignDetail';
import { Campaigns } from './Campaigns';
import { CustomerDetail } from './CustomerDetail';
import { Customers } from './Customers';
import { Dashboard } from './Dashboard';
import { Import } from './Import';
import { NotFound } from './NotFound';
import { SegmentEditor } from './SegmentEditor';
import { Segments } from './Segments';
import { Settings } from './Settings';

export interface PageRoute {
  path: string;
  element: ComponentType;
}

export const pages: PageRoute[] = [
  { path: '/', element: Dashboard },
  { path: '/customers', element: Customers },
  { path: '/customers/:externalId', element: CustomerDetail },
  { path: '/import', element: Import },
  { path: '/segments', element: Segments },
  { path: '/segments/new', element: SegmentEditor },
  { path: '/segments/:id', element: SegmentEditor },
  { path: '/campaigns', element: Campaigns },
  { path: '/campaigns/new', element: CampaignComposer },
  { path: '/campaigns/:id', element: CampaignDetail },
  { path: '/settings', element: Settings },
  { path: '*', element: NotFound },
];
