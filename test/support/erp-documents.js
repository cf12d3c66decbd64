// ERP documents as the ERPs send them, for the inbound mapper tests.

/** SAP A_ProductionOrder_2 read with $expand=to_ProductionOrderOperation,to_ProductionOrderComponent (OData V2 JSON). */
function sapProductionOrder(overrides = {}) {
  return {
    ManufacturingOrder: '1000123',
    ManufacturingOrderType: 'PP01',
    Material: 'FG-100',
    ProductionPlant: '1010',
    TotalQuantity: '100',
    ProductionUnit: 'PC',
    MfgOrderPlannedStartDate: '/Date(1795564800000)/',
    MfgOrderPlannedStartTime: 'PT06H00M00S',
    MfgOrderPlannedEndDate: '/Date(1795564800000)/',
    MfgOrderPlannedEndTime: 'PT14H00M00S',
    MfgOrderScheduledStartDate: '/Date(1795564800000)/',
    MfgOrderScheduledStartTime: 'PT06H30M00S',
    MfgOrderScheduledEndDate: '/Date(1795564800000)/',
    MfgOrderScheduledEndTime: 'PT13H30M00S',
    to_ProductionOrderOperation: {
      results: [
        { ManufacturingOrder: '1000123', ManufacturingOrderSequence: '0', ManufacturingOrderOperation: '0010', MfgOrderOperationText: 'Turn', WorkCenter: 'WC-TURN', OpPlannedTotalQuantity: '100', OperationUnit: 'PC' },
        { ManufacturingOrder: '1000123', ManufacturingOrderSequence: '0', ManufacturingOrderOperation: '0020', MfgOrderOperationText: 'Assemble', WorkCenter: 'WC-ASSY', OpPlannedTotalQuantity: '100', OperationUnit: 'PC' },
        { ManufacturingOrder: '1000123', ManufacturingOrderSequence: '1', ManufacturingOrderOperation: '0010', MfgOrderOperationText: 'Alternative turn', WorkCenter: 'WC-TURN2', OpPlannedTotalQuantity: '100', OperationUnit: 'PC' },
      ],
    },
    to_ProductionOrderComponent: {
      results: [
        { Reservation: '55', ReservationItem: '0001', Material: 'RM-BAR', RequiredQuantity: '25', BaseUnit: 'KG', ManufacturingOrderOperation: '0010', Batch: 'B-77', MatlCompIsMarkedForBackflush: false },
        { Reservation: '55', ReservationItem: '0002', Material: 'SCREW-M4', RequiredQuantity: '400', BaseUnit: 'ST', ManufacturingOrderOperation: '0020', MatlCompIsMarkedForBackflush: true },
        { Reservation: '55', ReservationItem: '0003', Material: 'OIL', RequiredQuantity: '0', BaseUnit: 'L', ManufacturingOrderOperation: '0010' },
      ],
    },
    ...overrides,
  };
}

/** B2MML V0701 OperationsSchedule with one OperationsRequest of two segments. */
function b2mmlOperationsSchedule() {
  return `<?xml version="1.0" encoding="UTF-8"?>
<OperationsSchedule xmlns="http://www.mesa.org/xml/B2MML">
  <ID>SCH-2026-11-25</ID>
  <OperationsType>Production</OperationsType>
  <OperationsRequest>
    <ID>PO-7001</ID>
    <StartTime>2026-11-25T06:00:00Z</StartTime>
    <EndTime>2026-11-25T14:00:00Z</EndTime>
    <HierarchyScope><EquipmentID>1010</EquipmentID><EquipmentElementLevel>Site</EquipmentElementLevel></HierarchyScope>
    <OperationsType>Production</OperationsType>
    <Priority>100</Priority>
    <SegmentRequirement>
      <ID>0010</ID>
      <Description>Turn &amp; face</Description>
      <ProcessSegmentID>TURNING</ProcessSegmentID>
      <OperationsDefinitionID>FG-100-R1</OperationsDefinitionID>
      <OperationsSegmentID>0010</OperationsSegmentID>
      <EquipmentRequirement><ID>E1</ID><EquipmentID>WC-TURN</EquipmentID></EquipmentRequirement>
      <MaterialRequirement><ID>M1</ID><MaterialDefinitionID>RM-BAR</MaterialDefinitionID><MaterialUse>Consumed</MaterialUse>
        <Quantity><QuantityString>25</QuantityString><UnitOfMeasure>KG</UnitOfMeasure></Quantity></MaterialRequirement>
      <MaterialRequirement><ID>M2</ID><MaterialDefinitionID>SFG-100</MaterialDefinitionID><MaterialUse>Produced</MaterialUse>
        <Quantity><QuantityString>100</QuantityString><UnitOfMeasure>PCE</UnitOfMeasure></Quantity></MaterialRequirement>
    </SegmentRequirement>
    <SegmentRequirement>
      <ID>0020</ID>
      <Description>Assemble &#x26; test</Description>
      <ProcessSegmentID>ASSEMBLY</ProcessSegmentID>
      <OperationsDefinitionID>FG-100-R1</OperationsDefinitionID>
      <OperationsSegmentID>0020</OperationsSegmentID>
      <EquipmentRequirement><ID>E2</ID><EquipmentID>WC-ASSY</EquipmentID></EquipmentRequirement>
      <MaterialRequirement><ID>M3</ID><MaterialDefinitionID>SCREW-M4</MaterialDefinitionID><MaterialUse>Consumed</MaterialUse>
        <Quantity><QuantityString>400</QuantityString><UnitOfMeasure>PCE</UnitOfMeasure></Quantity></MaterialRequirement>
      <MaterialRequirement><ID>M4</ID><MaterialDefinitionID>FG-100</MaterialDefinitionID><MaterialUse>Produced</MaterialUse>
        <Quantity><QuantityString>100</QuantityString><UnitOfMeasure>PCE</UnitOfMeasure></Quantity></MaterialRequirement>
    </SegmentRequirement>
  </OperationsRequest>
</OperationsSchedule>
`;
}

module.exports = { sapProductionOrder, b2mmlOperationsSchedule };
