/** The strings of waves, their preview, launch and monitor, and the events, in German and English. */
export const wavesDe = {
  title: 'Wellen',
};

export const wavesEn: typeof wavesDe = {
  title: 'Waves',
};
