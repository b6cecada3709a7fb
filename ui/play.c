/*
 * play.c -- playback's rules; see play.h.
 */
#include "play.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

uint32_t cs_play_toggle(int *playing, uint32_t frame, uint32_t nframes)
{
    if (*playing) {
        *playing = 0;
        return frame;
    }
    *playing = 1;
    return nframes > 0 && frame + 1 >= nframes ? 0 : frame;
}

double cs_speed_scale(double speed, double factor)
{
    double s = speed * factor;
    return s < CS_SPEED_MIN ? CS_SPEED_MIN : s > CS_SPEED_MAX ? CS_SPEED_MAX : s;
}

/* A whole number v >= 0 with commas between groups of three digits. */
static void with_commas(double v, char *buf, size_t n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t len = strlen(digits), k = 0;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[n > 0 ? (k < n ? k : n - 1) : 0] = 0;
}

/* Two significant digits below 10 ("6.4", "0.25", "1.5", "4"), written
 * without an exponent and without trailing zeros; whole numbers below
 * 1000; three significant digits past that. */
void cs_speed_text(double speed, char *buf, size_t n)
{
    if (!n)
        return;
    if (!(speed > 0)) {
        snprintf(buf, n, "0");
        return;
    }
    if (speed < 9.95) {
        int dec = speed >= 1 ? 1 : 1 - (int)floor(log10(speed));
        snprintf(buf, n, "%.*f", dec, speed);
        if (strchr(buf, '.')) {  /* "4.0" -> "4", "0.50" -> "0.5" */
            size_t k = strlen(buf);
            while (k > 0 && buf[k - 1] == '0')
                buf[--k] = 0;
            if (k > 0 && buf[k - 1] == '.')
                buf[--k] = 0;
        }
        return;
    }
    double v = round(speed);
    if (v >= 1000) {
        double p = pow(10, floor(log10(v)) - 2);
        v = round(v / p) * p;
    }
    with_commas(v, buf, n);
}
