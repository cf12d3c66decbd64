// A valid canonical production order; tests derive malformed and changed orders from it.
function validOrder(overrides = {}) {
  return {
    orderId: 'PO-1000',
    erpReference: '1000123',
    plant: '1010',
    material: 'FG-100',
    materialDescription: 'Gear housing',
    quantity: { value: 100, unit: 'PCE' },
    scheduledStart: '2026-11-25T06:00:00Z',
    scheduledEnd: '2026-11-25T14:00:00Z',
    priority: 100,
    operations: [
      {
        key: '0010',
        sequence: 10,
        description: 'Turn',
        workCenter: 'WC-TURN',
        allowedWorkstations: ['WS-T1', 'WS-T2'],
        plannedQuantity: { value: 100, unit: 'PCE' },
        idealCycleTimeSeconds: 30,
        setupTimeSeconds: 600,
        workInstructions: [{ step: 1, text: 'Clamp the blank' }, { step: 2, text: 'Run program 42', url: 'https://wiki.example/p42' }],
        qualityChecks: [
          { id: 'QC-D', characteristic: 'diameter', type: 'variable', nominal: 40, lowerLimit: 39.95, upperLimit: 40.05, unit: 'mm', frequency: { kind: 'every-n', n: 10 } },
          { id: 'QC-V', characteristic: 'visual', type: 'attribute', frequency: { kind: 'first-piece' } },
        ],
      },
      {
        key: '0020',
        sequence: 20,
        description: 'Assemble',
        workCenter: 'WC-ASSY',
        plannedQuantity: { value: 100, unit: 'PCE' },
        idealCycleTimeSeconds: 45,
        qualityChecks: [{ id: 'QC-F', characteristic: 'function test', type: 'attribute', frequency: { kind: 'at-completion' } }],
      },
    ],
    components: [
      { material: 'RM-BAR', quantity: { value: 25, unit: 'KG' }, operationKey: '0010', lotControlled: true },
      { material: 'SCREW-M4', quantity: { value: 400, unit: 'PCE' }, operationKey: '0020', backflush: true },
    ],
    ...overrides,
  };
}

module.exports = { validOrder };
