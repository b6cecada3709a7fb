/*
 * fallback.c -- fonts for characters DejaVu lacks, found with fontconfig
 * (see fallback.h). Each query is one FcFontMatch on a pattern asking
 * for the character; the match is kept only when it really has it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fallback.h"

#ifdef COROSCOPE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

struct cs_fallback {
    int loaded;              /* fontconfig was asked to load its fonts */
#ifdef COROSCOPE_FONTCONFIG
    FcConfig *cfg;           /* owned; NULL when it could not load */
#endif
};

cs_fallback *cs_fallback_new(void)
{
    return calloc(1, sizeof(cs_fallback));
}

void cs_fallback_free(cs_fallback *fb)
{
    if (!fb)
        return;
#ifdef COROSCOPE_FONTCONFIG
    if (fb->cfg)
        FcConfigDestroy(fb->cfg);
#endif
    free(fb);
}

#ifdef COROSCOPE_FONTCONFIG
/* Does match m have cp, and is it a font we can draw (not colour)? */
static int usable(FcPattern *m, uint32_t cp)
{
    FcCharSet *have = NULL;
    FcBool color = FcFalse;
    if (FcPatternGetCharSet(m, FC_CHARSET, 0, &have) != FcResultMatch || !FcCharSetHasChar(have, cp))
        return 0;
    return FcPatternGetBool(m, FC_COLOR, 0, &color) != FcResultMatch || !color;
}

/* The best match of fontconfig for a scalable font with cp. */
static FcPattern *match(FcConfig *cfg, uint32_t cp)
{
    FcPattern *pat = FcPatternCreate();
    FcCharSet *want = FcCharSetCreate();
    FcPattern *m = NULL;
    if (pat && want && FcCharSetAddChar(want, cp) && FcPatternAddCharSet(pat, FC_CHARSET, want) &&
        FcPatternAddBool(pat, FC_SCALABLE, FcTrue) && FcConfigSubstitute(cfg, pat, FcMatchPattern)) {
        FcResult res;
        FcDefaultSubstitute(pat);
        m = FcFontMatch(cfg, pat, &res);
    }
    if (want)
        FcCharSetDestroy(want);
    if (pat)
        FcPatternDestroy(pat);
    return m;
}
#endif

int cs_fallback_find(cs_fallback *fb, uint32_t cp, char *path, size_t n, int *index)
{
#ifdef COROSCOPE_FONTCONFIG
    if (!fb->loaded) {
        fb->loaded = 1;
        fb->cfg = FcInitLoadConfigAndFonts();
    }
    if (!fb->cfg)
        return -1;
    FcPattern *m = match(fb->cfg, cp);
    FcChar8 *file = NULL;
    int idx = 0, rc = -1;
    if (m && usable(m, cp) && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        if (FcPatternGetInteger(m, FC_INDEX, 0, &idx) != FcResultMatch)
            idx = 0;
        snprintf(path, n, "%s", (const char *)file);
        *index = idx;
        rc = 0;
    }
    if (m)
        FcPatternDestroy(m);
    return rc;
#else
    (void)fb, (void)cp, (void)path, (void)n, (void)index;
    return -1;
#endif
}
