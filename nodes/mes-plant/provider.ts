import type { Node } from 'node-red';
import type { PlantModel } from '../../lib/plant';

/** What a `mes-plant` config node offers the nodes that use it: the checked model, or why there is none. */
export interface PlantProvider extends Node {
  readonly model?: PlantModel;
  readonly problem?: string;
}
