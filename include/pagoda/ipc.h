/*
 * pagoda/ipc.h: the IPC message format, shared by the kernel and userland
 * (docs/ipc.md explains it).
 *
 * A message is a label, up to IPC_WORDS words carried in registers, and
 * optionally up to IPC_DATA_MAX bytes of data and one capability carried
 * through the threads' IPC buffers. Its shape is the info word:
 *
 *   63            32 31     21 20   19          4 3     0
 *  +----------------+---------+----+-------------+-------+
 *  |     label      |    0    |cap |  data bytes | words |
 *  +----------------+---------+----+-------------+-------+
 *
 * On delivery the receiver also gets the badge of the capability the
 * sender used (0 for a reply).
 */
#ifndef PAGODA_IPC_H
#define PAGODA_IPC_H

#define IPC_WORDS 4
#define IPC_BUFFER_SIZE 4096
#define IPC_DATA_MAX (IPC_BUFFER_SIZE - 16)

#define IPC_INFO_WORDS_MASK 0xfull
#define IPC_INFO_DATA_SHIFT 4
#define IPC_INFO_DATA_MASK 0xffffull
#define IPC_INFO_CAP (1ull << 20)
#define IPC_INFO_RESERVED 0xffe00000ull		/* must be 0 */
#define IPC_INFO_LABEL_SHIFT 32

#define IPC_INFO(label, words, data, cap)                                      \
	(((unsigned long long)(label) << IPC_INFO_LABEL_SHIFT) |              \
	 ((unsigned long long)(data) << IPC_INFO_DATA_SHIFT) | ((cap) ? IPC_INFO_CAP : 0) | \
	 (unsigned long long)(words))
#define IPC_INFO_LABEL(info) ((unsigned long long)(info) >> IPC_INFO_LABEL_SHIFT)
#define IPC_INFO_NWORDS(info) ((unsigned int)((info) & IPC_INFO_WORDS_MASK))
#define IPC_INFO_DATA_LEN(info) ((unsigned int)(((info) >> IPC_INFO_DATA_SHIFT) & IPC_INFO_DATA_MASK))
#define IPC_INFO_HAS_CAP(info) (((info) & IPC_INFO_CAP) != 0)

/*
 * The IPC buffer: one page of the thread's own memory, registered with
 * SYS_SET_IPC_BUFFER. send_cap: the slot of the capability to send with a
 * message that sets IPC_INFO_CAP; recv_cap: the empty slot where an
 * incoming capability goes (0: refuse capabilities).
 */
struct ipc_buffer {
	unsigned long long send_cap;
	unsigned long long recv_cap;
	unsigned char data[IPC_DATA_MAX];
};

#endif
