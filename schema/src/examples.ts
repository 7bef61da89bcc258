/**
 * Example values shared by the schema `examples`. They are well-formed (right sizes, valid hex) but are not real
 * ciphertexts: they illustrate the shapes only.
 */
export const EX = {
  sessionId: 'sess-7f3c2a',
  ephPubHex: '03a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  sessionInitCiphertextHex:
    '9c1d2e3f405162738495a6b7c8d9eaf00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0',
  signatureHex:
    '2d10c5da77738995b1457fd78c950ec6a28b4bcaedadf7eceaee603ba42016873a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f001',
  nonceHex: [
    '801ffff88a59b13d3b9843ace2f2220ff49736c0215279d9',
    'e0463c975715614f3a7b09322c1c517dfb3ebede0580f553',
  ],
  aadSessionInit: '73657373696f6e5f696e6974',
  aadMessage0: '6d6573736167655f30',
  aadChunk0: '6368756e6b5f30',
  aadChunk1: '6368756e6b5f31',
  aadFinal: '656e637279707465645f726573706f6e73655f66696e616c',
  ciphertextHex: '5f1c0e9a7b3d2c4e8f60a1b2c3d4e5f60718293a4b5c6d7e',
  emptyCiphertextHex: '57c6509c78dfcc3db976fc4c87c8e142',
  clientAddress: '0xa69b2d97da06895ab33f19e7cc2353f1a0e91e73',
  sessionKeyHex: '62374fa6626b07fcd957b594dbcd2aeafe1e33d371fe43996734c75d9a953263',
} as const
